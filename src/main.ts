import './ui/node-globals.js';
import { mount } from 'svelte';
import App from './ui/App.svelte';
import { registerServiceWorker } from './sw-register.js';

mount(App, { target: document.getElementById('app')! });
registerServiceWorker();

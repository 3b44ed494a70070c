import './ui/node-globals.js';
import { mount } from 'svelte';
import Preview from './ui/Preview.svelte';

mount(Preview, { target: document.getElementById('app')! });

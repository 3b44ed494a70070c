import './ui/node-globals.js';
import { mount } from 'svelte';
import App from './ui/App.svelte';
import { registerServiceWorker } from './sw-register.js';
import { takeClassroomRoute } from './ui/classroom/route.js';

const target = document.getElementById('app')!;
// the classroom (issue 8): `#instructor=TOKEN` opens the instructor's dashboard instead of the app
const classroom = takeClassroomRoute();
if (classroom.dashboard) {
  const token = classroom.dashboard;
  void import('./ui/classroom/Dashboard.svelte').then(({ default: Dashboard }) => mount(Dashboard, { target, props: { token } }));
} else mount(App, { target, props: { classroom } });
registerServiceWorker();

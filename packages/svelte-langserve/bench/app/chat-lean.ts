// The chat route with flowbite-svelte's Button replaced by a plain <button> (see run.ts): how
// much of the route's size is flowbite-svelte's.
import { mount } from 'svelte';
import './chat-lean.css';
import Chat from './Chat.svelte';

mount(Chat, { target: document.getElementById('app')! });

// The chat route with flowbite-svelte's CSS as well (see chat-flowbite.css).
import { mount } from 'svelte';
import './chat-flowbite.css';
import Chat from './Chat.svelte';

mount(Chat, { target: document.getElementById('app')! });

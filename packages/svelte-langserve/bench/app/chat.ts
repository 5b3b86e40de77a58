import { mount } from 'svelte';
import './chat.css';
import Chat from './Chat.svelte';

mount(Chat, { target: document.getElementById('app')! });

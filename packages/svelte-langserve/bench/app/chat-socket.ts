// The chat route as an app connecting to an agent server: createChatStore({ url }).
import { mount } from 'svelte';
import './chat.css';
import ChatSocket from './ChatSocket.svelte';

mount(ChatSocket, { target: document.getElementById('app')! });

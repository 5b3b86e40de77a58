import { mount } from 'svelte';
import './hello.css';
import Hello from './Hello.svelte';

mount(Hello, { target: document.getElementById('app')! });

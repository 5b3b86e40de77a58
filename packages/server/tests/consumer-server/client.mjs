// Drives two turns against the consumer's server with svelte-langserve/client and prints what
// the client holds at the end, as JSON, for the test to check.
import { ChatController, SocketIoTransport } from 'svelte-langserve/client';

const url = process.argv[2];
const transport = new SocketIoTransport({ url, reconnectOnWake: false });
const controller = new ChatController({ transport });

function until(check, what, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(controller.snapshot)}`));
    }, timeoutMs);
    const test = (snapshot) => {
      if (!check(snapshot)) return;
      clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve(snapshot);
    };
    const stop = controller.subscribe(test);
    test(controller.snapshot);
  });
}

const answered = (count) => (snapshot) =>
  snapshot.chat.messages.filter((m) => m.role === 'assistant' && m.status === 'complete').length ===
  count;

controller.connect();
await until((s) => s.connection.status === 'connected' && s.agents.length > 0, 'the agents');
for (const [turn, text] of ['What is 2 + 0?', 'And 2 + 1?'].entries()) {
  const sent = await controller.send(text, { agentIds: ['adder'] });
  if (!sent.ok) throw new Error(`send failed: ${JSON.stringify(sent.error)}`);
  await until(answered(turn + 1), `answer ${turn + 1}`);
}
const { chat, agents } = controller.snapshot;
console.log(JSON.stringify({ agents, messages: chat.messages }));
controller.dispose();
transport.disconnect?.();
process.exit(0);

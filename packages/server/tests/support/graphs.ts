import { AIMessage } from '@langchain/core/messages';
import { Annotation, END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';

/** A graph with an extra state key that counts the turns it has seen: answers `turn <n>`. */
export function countingGraph() {
  const State = Annotation.Root({ ...MessagesAnnotation.spec, turns: Annotation<number>() });
  return new StateGraph(State)
    .addNode('count', (state) => {
      const turns = (state.turns ?? 0) + 1;
      return { turns, messages: [new AIMessage(`turn ${turns}`)] };
    })
    .addEdge(START, 'count')
    .addEdge('count', END)
    .compile();
}

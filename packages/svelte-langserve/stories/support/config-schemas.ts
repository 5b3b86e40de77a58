/** JSON Schemas of agent settings, for ConfigPanel's `schema` mode (stories and tests). */
import serverSchema from '../../tests/fixtures/code-assistant.config-schema.json';

/**
 * Exactly what the example agent server answers to `GET /agents/code-assistant/config_schema`
 * (an OpenAI agent: temperature, max tokens, top-p), in LangServe's `configurable` shape.
 */
export const codeAssistantConfigSchema: Record<string, unknown> = serverSchema;

/** A richer agent: numbers, an enum, a boolean and a string (plus one unsupported property). */
export const richConfigSchema: Record<string, unknown> = {
  title: 'researcherConfig',
  type: 'object',
  properties: {
    configurable: {
      title: 'Configurable',
      type: 'object',
      properties: {
        temperature: {
          title: 'Temperature',
          description: 'Sampling temperature: higher is more varied.',
          type: 'number',
          minimum: 0,
          maximum: 1,
          multipleOf: 0.05,
          default: 0.3,
        },
        maxSources: { type: 'integer', minimum: 1, maximum: 20, default: 5 },
        searchDepth: {
          title: 'Search depth',
          description: 'How far the agent follows links.',
          anyOf: [
            { const: 'quick', title: 'Quick' },
            { const: 'standard', title: 'Standard' },
            { const: 'deep', title: 'Deep (slow)' },
          ],
          default: 'standard',
        },
        citeSources: {
          title: 'Cite sources',
          description: 'Add a numbered source list to every answer.',
          type: 'boolean',
          default: true,
        },
        persona: {
          title: 'Persona',
          type: 'string',
          maxLength: 40,
          pattern: '^[A-Za-z ]*$',
        },
        filters: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

/**
 * A flow text with `topics:` appended, declaring the test's own topics (each with the record its
 * values hold), as a flow must declare every topic outside schemas/topics.json. Appended, so that
 * every line and column of the text stays where the test expects it.
 */
export function withDeclaredTopics(text: string, topics: Record<string, string | { schema: string; format: 'avro' | 'json' }>): string {
  const lines = Object.entries(topics).map(([topic, declaration]) => {
    const { schema, format } = typeof declaration === 'string' ? { schema: declaration, format: undefined } : declaration;
    return `  ${topic}: { schema: ${schema}${format ? `, format: ${format}` : ''} }`;
  });
  return `${text.endsWith('\n') ? text : `${text}\n`}topics:\n${lines.join('\n')}\n`;
}

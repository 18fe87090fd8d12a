import { HubError } from '../../core/hub-error.js';

/**
 * A record was to be written to a topic that does not exist. The hub creates every topic it
 * writes before it writes it, and neither its clients nor its embedded broker create a topic
 * because it was named, so this is a topic nobody declared (a misspelt name, a deleted topic):
 * writing it again will not help.
 */
export class TopicNotFoundError extends HubError {
  constructor(
    readonly topic: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      'TOPIC_NOT_FOUND',
      `topic ${topic} does not exist; the hub writes only topics it created (declared in schemas/topics.json, a flow's topics: or its own) and never creates one by writing to it`,
      { retriable: false, ...options },
    );
  }
}

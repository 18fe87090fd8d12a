const ATTEMPTS = 6;

/**
 * Retries a metadata or offsets request the broker refused for a passing reason. Right after a
 * topic is created, or while leadership moves, the broker answers "not the leader for that
 * partition" or "unknown topic" for a moment; kafkajs marks those retriable but its admin client
 * hands them to the caller (seen as an intermittent failure reading a topic just created).
 */
export async function withMetadataRetry<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** (attempt - 1)));
    }
  }
}

/** Header names of a dead letter's reason; the original record's own headers are kept beside them. */
export const DEAD_LETTER_HEADER = {
  stage: 'dlq-stage',
  errorCode: 'dlq-error-code',
  errorMessage: 'dlq-error-message',
  retriable: 'dlq-error-retriable',
  attempts: 'dlq-attempts',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  failedAt: 'dlq-failed-at',
} as const;

import { HubError } from '../../core/hub-error.js';

/**
 * A replay asked for while another one runs over some of the same dead letters: both would send
 * them, and each would count the other's re-failures. The running one finishes first.
 */
export class ReplayConflictError extends HubError {
  constructor(
    readonly runningReplayId: string,
    overlapping: number,
  ) {
    super(
      'REPLAY_CONFLICT',
      `replay ${runningReplayId} is running over ${overlapping} of the same dead letters: wait for it to end (GET /api/dead-letters/replays/${runningReplayId}) and ask again`,
      { retriable: true },
    );
  }
}

// @ts-check
/*
 * What a flow's stateful steps (dedupe, aggregate, join, timeout) hold in the hub process that
 * answered, shown under the flow's name in the "Flow of records" table: the state that grows with
 * open windows, waiting records and pending timers is what an operator watches for memory.
 */
import { el } from './dom.js';
import { bytes, plural } from './format.js';

/**
 * One stateful step's state, as GET /api/status gives it in a flow's `stepState`.
 * @typedef {{ step: string, groupId?: string, changelog?: string, keys?: number, timers?: number, bytes?: number, partitions?: number }} StepState
 */

/**
 * `40 keys · 38 timers · ≈ 51.1 KiB · 3 partitions`
 * @param {StepState} state
 */
export function stepStateSummary(state) {
  return [plural(state.keys, 'key'), plural(state.timers, 'timer'), `≈ ${bytes(state.bytes)}`, plural(state.partitions, 'partition')].join(
    ' · ',
  );
}

/**
 * One line per stateful step, or nothing for a flow without any.
 * @param {StepState[] | undefined} stepState
 * @returns {HTMLUListElement | undefined}
 */
export function stepStateList(stepState) {
  if (!stepState?.length) return undefined;
  return el(
    'ul',
    { class: 'step-state', 'aria-label': 'State its stateful steps hold in this hub process' },
    stepState.map((state) =>
      el(
        'li',
        {
          title:
            [state.groupId && `consumer group ${state.groupId}`, state.changelog && `changelog ${state.changelog}`]
              .filter(Boolean)
              .join('\n') || undefined,
        },
        el('code', {}, state.step),
        ' ',
        el('span', { class: 'muted' }, stepStateSummary(state)),
      ),
    ),
  );
}

/**
 * What `loadFlows` hands the pure engine: validated flows plus everything prepared once at
 * start-up (vocabulary phrases, option phrases, the arguments each message needs).
 */
import type { NlpModel } from '../nlp/nlp-model';
import type { Flow } from './flow-schema';
import type { PreparedPhrase } from './phrase-matcher';
import type { PreparedVocabulary } from './prepared-vocabulary';

export interface LoadedFlows {
  flows: ReadonlyMap<string, Flow>;
  vocabulary: PreparedVocabulary;
  /** Prepared phrases per option of each choice step, keyed `flowId/stepId`. */
  options: ReadonlyMap<string, PreparedPhrase[][]>;
  /**
   * Prepared `says` phrases of each step that has them, keyed `flowId/stepId`: one list per option
   * (choice), `[yes, no]` (yes_no) or `[markers]` (place). Used to answer from the first message.
   */
  says: ReadonlyMap<string, PreparedPhrase[][]>;
  /** The trained reader of free messages (category, confidence, language); pure once loaded. */
  nlp: NlpModel;
  /** ICU argument names per message key, so a reply carries only the values its text shows. */
  messageArguments: ReadonlyMap<string, readonly string[]>;
  /** Non-fatal findings, e.g. draft Quechua texts falling back to Spanish. */
  warnings: readonly string[];
}

/** The flow a fresh conversation, MENU and a free first message start from. */
export const MAIN_FLOW = 'main_menu';

/** Invalid replies at one step before the flow gives up (hands over to an operator). */
export const MAX_RETRIES = 3;

/** Values every message may use besides the flow's variables. */
export const BUILTIN_PARAMS = ['locality', 'channel', 'sectors', 'sectorsShown', 'resuming'] as const;

/** Variables set by actions rather than by an ask step. */
export const ACTION_VARS = ['reference', 'gender_outcome'] as const;

/**
 * Variables the host puts in when it starts a flow itself: the resolution question of an
 * incident (issue 9) names the place and the operator's note; the one SMS that announces a
 * ticket's resolution and asks about it (issue 8) carries the operator's note.
 */
export const HOST_START_VARS = ['incident_place', 'incident_note', 'incident_category', 'resolution_note'] as const;

/** Texts the engine itself sends, outside any flow file. */
export const ENGINE_KEYS = {
  privacyNotice: 'privacy.notice',
  help: 'help.text',
  cancelled: 'cancel.done',
  expired: 'session.expired',
  handoff: 'handoff.operator',
  welcome: 'common.welcome',
  optedOut: 'system.opted_out_confirmation',
  optedIn: 'system.opted_in_confirmation',
  askWhichSector: 'nlp.ask_which_sector',
} as const;

/** Texts the host renders itself (status answers, notifications); checked like flow keys. */
export const HOST_KEYS = [
  'status.reply',
  'status.reply_with_note',
  'status.not_found',
  'notify.acknowledged',
  'notify.in_progress',
  'notify.resolved',
  'notify.closed',
  'notify.reopened',
  'notify.operator_reply',
  'system.try_again_later',
  'system.opted_out_confirmation',
  'system.opted_in_confirmation',
  // Issue 9: incidents and planned-cut notices.
  'incident.known',
  'incident.near_you',
  'incident.update',
  'incident.resolved_later',
  'notice.broadcast',
  'notice.told_first',
] as const;

export function optionsKey(flowId: string, stepId: string): string {
  return `${flowId}/${stepId}`;
}

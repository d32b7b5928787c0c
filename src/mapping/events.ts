/**
 * When a rule applies (its `on`) and where its value comes from (a field or a constant). A sync event is the
 * target record's: an Opportunity created from a referral or a referral created from an Opportunity is `create`;
 * every later change of either is `update`.
 */
import type { FieldRule } from '../config/schema.js';

export type SyncEvent = 'create' | 'update';

export const appliesOn = (rule: Pick<FieldRule, 'on'>, event: SyncEvent): boolean =>
  rule.on === 'always' || rule.on === event;

/** The rules that apply to this event. */
export const rulesFor = (rules: readonly FieldRule[], event: SyncEvent): FieldRule[] =>
  rules.filter((rule) => appliesOn(rule, event));

/** A rule between two fields (every rule but a constant one). */
export type FieldPairRule = FieldRule & { partnerCenter: string; salesforce: string };
export const isFieldPair = (rule: FieldRule): rule is FieldPairRule =>
  rule.partnerCenter !== undefined && rule.salesforce !== undefined;

/** How a constant rule's missing side is named in its snapshot key (`(value)|Type`). */
export const CONSTANT_SIDE = '(value)';

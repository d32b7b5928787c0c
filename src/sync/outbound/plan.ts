/**
 * Pure planning for an Opportunity that already has its referral: did the rep change anything the sync sends,
 * and which JSON Patch operations carry it (stage moves become Partner Center's status transitions).
 */
import type { FieldRule, StageSettings } from '../../config/schema.js';
import { sameValue, toPartnerCenterValue, type SalesforceValue } from '../../mapping/convert.js';
import { matchesBase, parseSnapshot, salesforceMoved, type FieldDecision, type Snapshot } from '../../mapping/merge.js';
import { rulesFor } from '../../mapping/events.js';
import {
  isPatchable,
  pair,
  patchFor,
  ruleKey,
  salesforceSide,
  type KeptBase,
  type OpportunityRow,
  type Pairing,
} from '../../mapping/pairing.js';
import type { Referral, ReferralPatchOperation } from '../../partner-center/referral-types.js';
import { withTypedSolutions } from '../../partner-center/solutions.js';
import { OPP } from '../../salesforce/fields.js';
import { dealTypeChanged, sharingFor } from '../deal-type.js';
import { syncMessages as messages } from '../messages.js';
import { STAGE_KEY, statusValue, transitionForStage } from '../stages.js';
import type { FieldChange } from '../types.js';

export type PatchPlan = {
  operations: ReferralPatchOperation[];
  changes: FieldChange[];
  /** Mapped paths that changed but that Partner Center's PATCH does not take. */
  notPatchable: string[];
  conflictMessage?: string;
  /** Why nothing may be sent at all (a shared referral the rep made Private): the record shows it as its error. */
  refusal?: string;
  keep: KeptBase;
};

/** Sharing with Microsoft sellers, as Partner Center's PATCH takes it and as the record's timeline names it. */
const SHARE_PATH = '/consent/consentToShareReferralWithMicrosoftSellers';
const SHARE_FIELD = 'consent.consentToShareReferralWithMicrosoftSellers';

/** The rules that send a change of an Opportunity whose referral exists (a create-only one was sent with it). */
const patchRules = (rules: readonly FieldRule[]): FieldRule[] =>
  rulesFor(rules, 'update').filter((rule) => rule.direction !== 'inbound');

/** Did the rep change anything the sync sends since the snapshot, or ask for a resync? (No call needed to know.) */
export function salesforceSideChanged(rules: readonly FieldRule[], row: OpportunityRow): boolean {
  if (row[OPP.resync] === true) return true;
  const snapshot = parseSnapshot(row[OPP.snapshot] as string | undefined);
  if (!snapshot) return true;
  if (snapshot.gone && row[OPP.resync] !== true) return false;
  if (!matchesBase(row.StageName, snapshot.fields[STAGE_KEY]?.sf)) return true;
  if (dealTypeChanged(row, snapshot)) return true;
  // A record's Id never changes: it goes out (as externalReferenceId) with the next real change, never on its own.
  return patchRules(rules).some((rule) => {
    // A relationship path (the Account's address) changes with another record and cannot be patched: it goes out
    // with a new referral only, never on its own.
    if (rule.salesforce === 'Id' || (rule.salesforce?.includes('.') && !isPatchable(rule))) return false;
    const sf = salesforceSide(rule, row);
    const sfToPc = (value: unknown): unknown => toPartnerCenterValue(rule, value as SalesforceValue) ?? null;
    return salesforceMoved({ sf, sfAsPc: sfToPc(sf), sfToPc }, snapshot.fields[ruleKey(rule)]?.sf);
  });
}

/** A rep who resolved a conflict and asked for a resync has decided: Salesforce's value goes. */
function resolveConflicts(pairing: Pairing, resolving: boolean): FieldDecision[] {
  return pairing.decisions.map((decision, index) => {
    if (decision.action === 'conflict' && resolving) {
      const field = pairing.fields[index];
      return { key: decision.key, action: 'toPartnerCenter', value: field.sfAsPc, before: field.pc };
    }
    // A change owed to Salesforce is the inbound pass's to write.
    return decision.action === 'toSalesforce' ? { key: decision.key, action: 'unchanged' } : decision;
  });
}

/** The stage move as status operations, when the rep moved the stage since the snapshot. */
function stageOperations(
  row: OpportunityRow,
  referral: Referral,
  snapshot: Snapshot | undefined,
  stages: StageSettings
): { operations: ReferralPatchOperation[]; change?: FieldChange } {
  const stageBase = snapshot?.fields[STAGE_KEY];
  if (stageBase && sameValue(row.StageName, stageBase.sf)) return { operations: [] };
  const stage = row.StageName as string | undefined;
  const transition = transitionForStage(stage, row[OPP.declineReason] as string | undefined, referral, stages);
  if (!transition) return { operations: [] };
  const operations: ReferralPatchOperation[] = [
    { op: 'replace', path: '/status', value: transition.status },
    { op: 'replace', path: '/substatus', value: transition.substatus },
  ];
  if (transition.statusReason)
    operations.push({ op: 'replace', path: '/statusReason', value: transition.statusReason });
  const after = `${transition.status}/${transition.substatus}`;
  return { operations, change: { field: 'status', before: statusValue(referral), after } };
}

export function planPatch(
  rules: readonly FieldRule[],
  stages: StageSettings,
  row: OpportunityRow,
  referral: Referral
): PatchPlan {
  const snapshot = parseSnapshot(row[OPP.snapshot] as string | undefined);
  const pairing = pair(patchRules(rules), referral, row, snapshot, 'salesforce');
  // A change still owed to Salesforce (the inbound pass writes it) keeps its old base in the snapshot.
  const owedToSalesforce = pairing.decisions.filter((d) => d.action === 'toSalesforce').map((d) => d.key);
  pairing.decisions = resolveConflicts(pairing, row[OPP.state] === 'Conflict' && row[OPP.resync] === true);
  const { operations, notPatchable } = patchFor(pairing);
  const changes: FieldChange[] = pairing.decisions.flatMap((decision) =>
    decision.action === 'toPartnerCenter'
      ? [{ field: decision.key.split('|')[0], before: decision.before, after: decision.value }]
      : []
  );
  const sharing = sharingFor(row, referral);
  if (sharing && 'share' in sharing) {
    operations.unshift({ op: 'replace', path: SHARE_PATH, value: true });
    changes.unshift({ field: SHARE_FIELD, before: false, after: true });
  }
  const stage = stageOperations(row, referral, snapshot, stages);
  operations.push(...stage.operations);
  if (stage.change) changes.push(stage.change);
  // Partner Center moved the status on its own (Microsoft accepted, won…): the inbound pass owes the stage.
  const stageBase = snapshot?.fields[STAGE_KEY];
  const statusMoved = stageBase !== undefined && !matchesBase(statusValue(referral), stageBase.pc);
  if (statusMoved && !stage.change) owedToSalesforce.push(STAGE_KEY);

  const conflicts = pairing.decisions.filter((decision) => decision.action === 'conflict');
  const keep: KeptBase = {
    snapshot,
    keys: new Set([...conflicts.map((c) => c.key), ...owedToSalesforce]),
    event: 'update',
  };
  const conflicted = conflicts.map((c) => c.key.split('|')[1]).join(', ');
  return {
    operations: withTypedSolutions(operations),
    changes,
    notPatchable,
    keep,
    ...(conflicts.length ? { conflictMessage: messages.getMessage('outcome.conflict', [conflicted]) } : {}),
    ...(sharing && 'refusal' in sharing ? { refusal: sharing.refusal } : {}),
  };
}

/**
 * Custom notifications. The CustomNotificationType metadata type (Metadata API Developer Guide,
 * "CustomNotificationType": `notificationtypes/X.notiftype`, required customNotifTypeName ≤ 80 characters,
 * masterLabel, desktop and mobile; description ≤ 255) is validated and stored on deploy or loaded from a source
 * folder; the Tooling API object of the same name (Id, DeveloperName, CustomNotifTypeName, MasterLabel, Desktop,
 * Mobile, Description) answers queries; and the standard invocable action `customNotificationAction` (Actions
 * Developer Guide, "Custom Notification Actions") sends — here, records — a notification per input. Invoking takes
 * `{"inputs":[…]}` and answers one `{actionName, errors, isSuccess, outputValues}` per input ("Invoking Actions").
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ApiError, NOT_MODELLED } from './errors.js';
import { type Reply, type RequestContext, json, jsonObject } from './http.js';
import { IdFactory, normalizeId } from './ids.js';
import type JSZip from 'jszip';
import { asNode, type MetadataProblem, parseXml, str } from './metadata.js';
import type { RecordStore } from './store.js';
import type { SchemaRegistry } from './schema.js';

export type NotificationType = {
  Id: string;
  DeveloperName: string;
  CustomNotifTypeName: string;
  MasterLabel: string;
  Description: string | null;
  Desktop: boolean;
  Mobile: boolean;
};

/** One notification as the org delivered it: to whom, about what, through which channels. */
export type SentNotification = {
  typeId: string;
  typeName: string;
  recipientId: string;
  title: string;
  body: string;
  targetId: string | null;
  channels: Array<'desktop' | 'mobile'>;
  at: string;
};

const ACTION = 'customNotificationAction';
/** The action's answer for an input it accepted (the guide's example response). */
const SUCCESS = 'Your custom notification is processed successfully.';
/** The documented limits: up to 500 recipients; title ≤ 250, body ≤ 750 characters. */
const MAX_RECIPIENTS = 500;
const MAX_TITLE = 250;
const MAX_BODY = 750;

const xmlBool = (value: unknown): boolean | undefined =>
  str(value) === 'true' ? true : str(value) === 'false' ? false : undefined;

/** A `.notiftype` file, checked as a deploy checks it: the problems, or the type. */
export function parseNotificationType(
  name: string,
  xml: string
): { problems: string[]; type?: Omit<NotificationType, 'Id'> } {
  const root = asNode(parseXml(xml).CustomNotificationType);
  if (!root) return { problems: ['The file is not a CustomNotificationType'] };
  const problems: string[] = [];
  const typeName = str(root.customNotifTypeName) ?? '';
  const label = str(root.masterLabel) ?? '';
  const description = str(root.description) ?? null;
  const desktop = xmlBool(root.desktop);
  const mobile = xmlBool(root.mobile);
  if (!typeName) problems.push('Required field is missing: customNotifTypeName');
  else if (typeName.length > 80) problems.push('customNotifTypeName: data value too large: max length 80');
  if (!label) problems.push('Required field is missing: masterLabel');
  if (description && description.length > 255) problems.push('description: data value too large: max length 255');
  if (desktop === undefined) problems.push('Required field is missing: desktop (true or false)');
  if (mobile === undefined) problems.push('Required field is missing: mobile (true or false)');
  if (problems.length > 0) return { problems };
  return {
    problems,
    type: {
      DeveloperName: name,
      CustomNotifTypeName: typeName,
      MasterLabel: label,
      Description: description,
      Desktop: Boolean(desktop),
      Mobile: Boolean(mobile),
    },
  };
}

const COLUMN_TYPES: Record<string, string> = { Desktop: 'Boolean', Mobile: 'Boolean', Id: 'Id' };

function toolingColumns(names: readonly string[]): Record<string, unknown> {
  return {
    columnMetadata: names.map((name) => ({
      aggregate: false,
      apexType: COLUMN_TYPES[name] ?? 'String',
      booleanType: COLUMN_TYPES[name] === 'Boolean',
      columnName: name,
      custom: false,
      displayName: name,
      foreignKeyName: null,
      insertable: name !== 'Id',
      joinColumns: [],
      numberType: false,
      textType: !COLUMN_TYPES[name],
      updatable: name !== 'Id',
    })),
    entityName: 'CustomNotificationType',
    groupBy: false,
    idSelected: names.includes('Id'),
    keyPrefix: '0ML',
  };
}

export class CustomNotifications {
  private readonly types = new Map<string, NotificationType>();
  private readonly sent: SentNotification[] = [];
  private initial: NotificationType[] = [];
  private counter = 0;

  public constructor(
    private readonly schema: SchemaRegistry,
    private readonly store: RecordStore,
    private readonly nowIso: () => string
  ) {}

  /** The types of a source-format folder (`notificationtypes/*.notiftype-meta.xml`), as the org's start state. */
  public loadSource(root: string): string[] {
    const problems: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const full = path.join(dir, entry);
        if (statSync(full).isDirectory()) walk(full);
        else if (entry.endsWith('.notiftype-meta.xml')) {
          const name = entry.slice(0, -'.notiftype-meta.xml'.length);
          const parsed = parseNotificationType(name, readFileSync(full, 'utf8'));
          problems.push(...parsed.problems.map((p) => `${name}: ${p}`));
          if (parsed.type) this.keep(parsed.type);
        }
      }
    };
    if (existsSync(root)) walk(root);
    this.initial = [...this.types.values()];
    return problems;
  }

  /** Stores a deployed type (a redeploy keeps its Id). */
  public deploy(type: Omit<NotificationType, 'Id'>): void {
    this.keep(type);
  }

  /** Back to the start: the types loaded at start (unless the deployed ones are kept), no notifications. */
  public reset(keepTypes: boolean): void {
    this.sent.length = 0;
    if (keepTypes) return;
    this.types.clear();
    for (const type of this.initial) this.types.set(type.DeveloperName.toLowerCase(), type);
  }

  public notifications(): SentNotification[] {
    return this.sent.map((n) => ({ ...n, channels: [...n.channels] }));
  }

  /**
   * `SELECT <fields> FROM CustomNotificationType [WHERE DeveloperName = 'X']`: the Tooling query pcsync and admins
   * run to find a type's Id. Other filters are not modelled (an error that says so, never a wrong answer).
   */
  public toolingQuery(q: string, columns = false): Reply {
    const m = /^\s*SELECT\s+(.+?)\s+FROM\s+CustomNotificationType\b(.*)$/is.exec(q);
    if (!m) throw new ApiError(400, 'MALFORMED_QUERY', `unexpected query: ${q}`);
    const fields = m[1].split(',').map((f) => f.trim());
    const known = ['Id', 'DeveloperName', 'CustomNotifTypeName', 'MasterLabel', 'Description', 'Desktop', 'Mobile'];
    const names = fields.map((f) => {
      const name = known.find((k) => k.toLowerCase() === f.toLowerCase());
      if (!name) throw new ApiError(400, 'INVALID_FIELD', `No such column '${f}' on entity 'CustomNotificationType'`);
      return name as keyof NotificationType;
    });
    // `sf data query` asks again with `columns=true` to lay out its table (the same shape as for sObject queries).
    if (columns) return json(200, toolingColumns(names));
    const rest = m[2].trim();
    const where = /^WHERE\s+DeveloperName\s*=\s*'([^']*)'\s*(?:LIMIT\s+\d+)?$/i.exec(rest);
    if (rest && !where && !/^LIMIT\s+\d+$/i.test(rest)) {
      throw new ApiError(
        400,
        NOT_MODELLED,
        `The emulator models CustomNotificationType filtered by DeveloperName only`
      );
    }
    const rows = [...this.types.values()]
      .filter((t) => !where || t.DeveloperName.toLowerCase() === where[1].toLowerCase())
      .map((t) => ({
        attributes: {
          type: 'CustomNotificationType',
          url: `/services/data/v64.0/tooling/sobjects/CustomNotificationType/${t.Id}`,
        },
        ...Object.fromEntries(names.map((n) => [n, t[n]])),
      }));
    return json(200, {
      size: rows.length,
      totalSize: rows.length,
      done: true,
      queryLocator: null,
      entityTypeName: 'CustomNotificationType',
      records: rows,
    });
  }

  /** `POST …/actions/standard/customNotificationAction`: 200 when every input went out, 400 when any failed. */
  public invoke(ctx: RequestContext): Reply {
    const inputs = jsonObject(ctx).inputs;
    if (!Array.isArray(inputs) || inputs.length === 0) {
      throw new ApiError(400, 'JSON_PARSER_ERROR', 'The request body must hold a non-empty "inputs" list');
    }
    const results = inputs.map((input: unknown) => {
      const problems = this.send(asNode(input) ?? {});
      return problems.length === 0
        ? { actionName: ACTION, errors: null, isSuccess: true, outputValues: { SuccessMessage: SUCCESS } }
        : { actionName: ACTION, errors: problems, isSuccess: false, outputValues: null };
    });
    return json(results.every((r) => r.isSuccess) ? 200 : 400, results);
  }

  /** Checks one input and, when it is sound, records a notification per recipient. */
  private send(input: Record<string, unknown>): Array<{ statusCode: string; message: string; fields: string[] }> {
    const errors: Array<{ statusCode: string; message: string; fields: string[] }> = [];
    const fail = (statusCode: string, message: string, field: string): void => {
      errors.push({ statusCode, message, fields: [field] });
    };
    const text = (value: unknown): string => (typeof value === 'string' ? value : '');
    const typeId = normalizeId(text(input.customNotifTypeId));
    const type = [...this.types.values()].find((t) => typeId && t.Id === typeId);
    if (!input.customNotifTypeId)
      fail('REQUIRED_FIELD_MISSING', 'Missing required input parameter: customNotifTypeId', 'customNotifTypeId');
    else if (!type)
      fail(
        'INVALID_ID_FIELD',
        `Invalid parameter value for: customNotifTypeId: ${text(input.customNotifTypeId)}`,
        'customNotifTypeId'
      );
    const recipients = Array.isArray(input.recipientIds) ? input.recipientIds.map(String) : [];
    if (recipients.length === 0)
      fail('REQUIRED_FIELD_MISSING', 'Missing required input parameter: recipientIds', 'recipientIds');
    if (recipients.length > MAX_RECIPIENTS)
      fail('LIMIT_EXCEEDED', `recipientIds: at most ${MAX_RECIPIENTS} values`, 'recipientIds');
    const userObject = this.schema.object('User');
    for (const id of recipients) {
      const user = userObject ? this.store.get(userObject, normalizeId(id) ?? '') : undefined;
      // Groups, queues and teams are recipients a real org takes; this org has none of them.
      if (!user || user.IsActive !== true)
        fail(
          'INVALID_ID_FIELD',
          `Invalid parameter value for: recipientIds: ${id} is not an active user`,
          'recipientIds'
        );
    }
    const title = typeof input.title === 'string' ? input.title : '';
    const body = typeof input.body === 'string' ? input.body : '';
    if (!title) fail('REQUIRED_FIELD_MISSING', 'Missing required input parameter: title', 'title');
    else if (title.length > MAX_TITLE)
      fail('STRING_TOO_LONG', `title: data value too large: max length ${MAX_TITLE}`, 'title');
    if (!body) fail('REQUIRED_FIELD_MISSING', 'Missing required input parameter: body', 'body');
    else if (body.length > MAX_BODY)
      fail('STRING_TOO_LONG', `body: data value too large: max length ${MAX_BODY}`, 'body');
    const targetId = text(input.targetId) || null;
    if (!targetId && !input.targetPageRef)
      fail('REQUIRED_FIELD_MISSING', 'You must specify either a targetId or a targetPageRef', 'targetId');
    else if (targetId && !this.store.findById(normalizeId(targetId) ?? ''))
      fail('INVALID_ID_FIELD', `Invalid parameter value for: targetId: ${targetId}`, 'targetId');
    if (errors.length > 0 || !type) return errors;
    const channels = [...(type.Desktop ? (['desktop'] as const) : []), ...(type.Mobile ? (['mobile'] as const) : [])];
    const at = this.nowIso();
    for (const recipientId of recipients) {
      this.sent.push({
        typeId: type.Id,
        typeName: type.DeveloperName,
        recipientId: normalizeId(recipientId) as string,
        title,
        body,
        targetId,
        channels,
        at,
      });
    }
    return errors;
  }

  private keep(type: Omit<NotificationType, 'Id'>): void {
    const key = type.DeveloperName.toLowerCase();
    const id = this.types.get(key)?.Id ?? IdFactory.make('0ML', '5g0', ++this.counter);
    this.types.set(key, { ...type, Id: id });
  }
}

/** The deploy's custom notification types (`notificationtypes/X.notiftype`), their problems added to `problems`. */
export async function readNotificationTypes(
  zip: JSZip,
  root: string,
  problems: MetadataProblem[]
): Promise<Array<Omit<NotificationType, 'Id'>>> {
  const types: Array<Omit<NotificationType, 'Id'>> = [];
  for (const name of Object.keys(zip.files)) {
    const m = /^notificationtypes\/([^/]+)\.notiftype$/.exec(name.slice(root.length));
    if (!m || !name.startsWith(root)) continue;
    const parsed = parseNotificationType(m[1], await (zip.file(name) as JSZip.JSZipObject).async('string'));
    const fileName = `notificationtypes/${m[1]}.notiftype`;
    for (const problem of parsed.problems)
      problems.push({ componentType: 'CustomNotificationType', fullName: m[1], fileName, problem });
    if (parsed.type) types.push(parsed.type);
  }
  return types;
}

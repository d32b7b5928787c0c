/** A parsed SOQL query: what parser.ts produces and the engine runs. Positions index the query text. */

export type Literal =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'date'; value: string }
  | { type: 'datetime'; value: number }
  | { type: 'dateRange'; name: string; start: number; end: number };

export type Path = { segments: string[]; pos: number };

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'cmp'; path: Path; op: string; value: Literal; valuePos: number }
  | { kind: 'in'; path: Path; negate: boolean; values: Literal[]; valuePos: number }
  | { kind: 'like'; path: Path; pattern: string; valuePos: number }
  | { kind: 'inQuery'; path: Path; negate: boolean; query: ParsedQuery; valuePos: number };

export type SelectItem =
  | { kind: 'field'; path: Path }
  | { kind: 'count'; fn: AggregateFn; arg?: Path; alias?: string; pos: number }
  | { kind: 'subquery'; query: ParsedQuery; pos: number };

export type AggregateFn = 'COUNT' | 'COUNT_DISTINCT' | 'MAX' | 'MIN' | 'SUM' | 'AVG';

export type OrderItem = { path: Path; desc: boolean; nullsLast: boolean };

export type ParsedQuery = {
  select: SelectItem[];
  from: string;
  fromPos: number;
  where?: Condition;
  groupBy?: Path[];
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
};

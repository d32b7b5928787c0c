/**
 * The SOQL subset pcsync and the sf CLI use: field lists with parent paths and child subqueries, COUNT()/COUNT(f) and
 * the other aggregates with GROUP BY, WHERE with AND/OR/NOT/parentheses, comparisons, IN/NOT IN (values or a
 * semi-join), LIKE, NULL, date and datetime literals and date keywords, ORDER BY (ASC/DESC, NULLS FIRST/LAST), LIMIT
 * and OFFSET. Errors carry Salesforce's codes and the `ERROR at Row:1:Column:N` marker a real org prints.
 *
 * lexer → parser (→ ast) → engine, which resolves paths (resolve), filters (filter), aggregates (aggregate) and
 * describes columns (columns); dates holds the date keywords, values the comparisons.
 */
export type { Literal, ParsedQuery } from './ast.js';
export { dateRange } from './dates.js';
export { SoqlEngine, type QueryResult } from './engine.js';
export { parseSoql } from './parser.js';

/** SOQL date literals (TODAY, LAST_N_DAYS:n, THIS_QUARTER, …) as UTC ranges. */

const DAY = 86_400_000;

/** Date keywords as UTC [start, end) ranges. */
export function dateRange(
  name: string,
  n: number | undefined,
  now: number
): { start: number; end: number } | undefined {
  const today = Math.floor(now / DAY) * DAY;
  const d = new Date(today);
  const monthStart = (offset: number): number => Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
  const yearStart = (offset: number): number => Date.UTC(d.getUTCFullYear() + offset, 0, 1);
  const weekStart = today - d.getUTCDay() * DAY;
  const quarterStart = (offset: number): number =>
    Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3 + offset * 3, 1);
  switch (name) {
    case 'TODAY':
      return { start: today, end: today + DAY };
    case 'YESTERDAY':
      return { start: today - DAY, end: today };
    case 'TOMORROW':
      return { start: today + DAY, end: today + 2 * DAY };
    case 'THIS_WEEK':
      return { start: weekStart, end: weekStart + 7 * DAY };
    case 'LAST_WEEK':
      return { start: weekStart - 7 * DAY, end: weekStart };
    case 'NEXT_WEEK':
      return { start: weekStart + 7 * DAY, end: weekStart + 14 * DAY };
    case 'THIS_MONTH':
      return { start: monthStart(0), end: monthStart(1) };
    case 'LAST_MONTH':
      return { start: monthStart(-1), end: monthStart(0) };
    case 'NEXT_MONTH':
      return { start: monthStart(1), end: monthStart(2) };
    case 'THIS_QUARTER':
      return { start: quarterStart(0), end: quarterStart(1) };
    case 'LAST_QUARTER':
      return { start: quarterStart(-1), end: quarterStart(0) };
    case 'NEXT_QUARTER':
      return { start: quarterStart(1), end: quarterStart(2) };
    case 'THIS_YEAR':
      return { start: yearStart(0), end: yearStart(1) };
    case 'LAST_YEAR':
      return { start: yearStart(-1), end: yearStart(0) };
    case 'NEXT_YEAR':
      return { start: yearStart(1), end: yearStart(2) };
    case 'LAST_90_DAYS':
      return { start: today - 90 * DAY, end: today + DAY };
    case 'NEXT_90_DAYS':
      return { start: today + DAY, end: today + 91 * DAY };
    case 'LAST_N_DAYS':
      return n === undefined ? undefined : { start: today - n * DAY, end: today + DAY };
    case 'NEXT_N_DAYS':
      return n === undefined ? undefined : { start: today + DAY, end: today + (n + 1) * DAY };
    default:
      return undefined;
  }
}

export class RefreshEvent extends CustomEvent {
  constructor() {
    super('lightning__refresh', { bubbles: true, composed: true, cancelable: true });
  }
}

export function registerRefreshHandler() {
  return 0;
}

export function unregisterRefreshHandler() {}

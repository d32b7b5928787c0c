// Same event as the platform's: the preview page listens for it and draws an SLDS toast.
export class ShowToastEvent extends CustomEvent {
  constructor(toast) {
    super('lightning__showtoast', { bubbles: true, composed: true, cancelable: true, detail: toast });
  }
}

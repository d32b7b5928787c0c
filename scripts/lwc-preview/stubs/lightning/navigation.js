// Stand-in for lightning/navigation: record pages get their Lightning Experience URL (/lightning/r/Object/Id/view),
// and Navigate records where the component asked to go, for the browser test to read.
const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

function urlOf(pageReference) {
  const { recordId, objectApiName, actionName = 'view' } = pageReference.attributes || {};
  return `/lightning/r/${objectApiName}/${recordId}/${actionName}`;
}

export const NavigationMixin = (Base) =>
  class extends Base {
    [Navigate](pageReference) {
      globalThis.__previewNavigations = [...(globalThis.__previewNavigations || []), pageReference];
    }
    [GenerateUrl](pageReference) {
      return Promise.resolve(urlOf(pageReference));
    }
  };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;

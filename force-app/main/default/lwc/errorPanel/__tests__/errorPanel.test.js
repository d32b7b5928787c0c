import { createElement } from 'lwc';
import ErrorPanel from 'c/errorPanel';

describe('c-error-panel', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows the friendly message and each reduced error', async () => {
        const element = createElement('c-error-panel', { is: ErrorPanel });
        element.friendlyMessage = 'Could not load.';
        element.errors = [{ body: { message: 'one' } }, new Error('two')];
        document.body.appendChild(element);

        expect(element.shadowRoot.querySelector('.friendly').textContent).toBe('Could not load.');
        const items = Array.from(element.shadowRoot.querySelectorAll('li')).map((li) => li.textContent);
        expect(items).toEqual(['one', 'two']);
        expect(element.shadowRoot.querySelector('[role="alert"]')).not.toBeNull();
        await expect(element).toBeAccessible();
    });

    it('empty: only the friendly message', async () => {
        const element = createElement('c-error-panel', { is: ErrorPanel });
        document.body.appendChild(element);

        expect(element.shadowRoot.querySelector('.friendly').textContent).toBe('Something went wrong.');
        expect(element.shadowRoot.querySelector('ul')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('the accessibility matcher really inspects the shadow tree (an image without alt fails)', async () => {
        const element = createElement('c-error-panel', { is: ErrorPanel });
        document.body.appendChild(element);

        // LWC warns about touching a shadow tree from outside; that is the point here
        const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
        element.shadowRoot.querySelector('div').appendChild(document.createElement('img'));
        warn.mockRestore();

        await expect(element).not.toBeAccessible();
    });
});

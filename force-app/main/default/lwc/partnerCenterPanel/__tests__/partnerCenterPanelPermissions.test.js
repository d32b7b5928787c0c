// What the rep may do, from the object info of the rep's profile and permission sets, reaches every child.
import { getObjectInfo, getPicklistValues } from 'lightning/uiObjectInfoApi';
import { flushPromises } from '../../../../../test/jest-helpers/dom';
import {
    REFERRAL_ID,
    child,
    inChild,
    objectInfoWithReadOnly,
    recordWith,
    renderPanel
} from '../../../../../test/jest-helpers/partnerCenterPanel';
import { helpCombobox } from '../../../../../test/jest-helpers/sharingForm';
import mockGetObjectInfo from './data/getObjectInfo.json';

const SYNCED_ON_HOLD = {
    Sync_With_Partner_Center__c: true,
    StageName: 'Prospecting',
    Referral_Identifier__c: REFERRAL_ID,
    Partner_Center_Sync_State__c: 'Synced'
};

describe('c-partner-center-panel permissions', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('help values that cannot be loaded leave only --None--, and the form says so', async () => {
        const element = await renderPanel({
            picklist: null,
            record: recordWith({ Partner_Center_Deal_Type__c: 'Co-sell' })
        });
        getPicklistValues.error({ message: 'No access' }, 403, 'Forbidden');
        await flushPromises();

        const form = child(element, 'c-partner-center-sharing-form');
        expect(form).toMatchObject({ helpValues: [], helpValuesUnavailable: true });
        expect(helpCombobox(form).placeholder).toBe('Values could not be loaded');
    });

    it('offers nothing as editable that the rep may not edit', async () => {
        const element = await renderPanel({
            record: recordWith(SYNCED_ON_HOLD),
            objectInfo: objectInfoWithReadOnly(
                'Sync_With_Partner_Center__c',
                'Partner_Center_Deal_Type__c',
                'How_Can_Microsoft_Help__c',
                'Partner_Center_Solutions__c',
                'Partner_Center_Resync_Requested__c',
                'StageName'
            )
        });

        expect(child(element, 'c-partner-center-sharing-form')).toMatchObject({
            canEditSync: false,
            canEditDealType: false,
            canEditHelp: false,
            canEditSolutions: false,
            readOnly: true
        });
        expect(inChild(element, 'c-partner-center-sharing-form', 'read-only')).not.toBeNull();
        expect(child(element, 'c-partner-center-referral-actions').canAnswer).toBe(false);
        expect(element.shadowRoot.querySelector('[data-id="sync-now"]')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('the deal type alone read-only: the rest stays editable, the deal type is not offered', async () => {
        const element = await renderPanel({ objectInfo: objectInfoWithReadOnly('Partner_Center_Deal_Type__c') });

        expect(child(element, 'c-partner-center-sharing-form')).toMatchObject({
            canEditSync: true,
            canEditDealType: false,
            readOnly: false
        });
        expect(
            child(element, 'c-partner-center-sharing-form').shadowRoot.querySelector('c-partner-center-deal-type')
        ).toMatchObject({ canEdit: false });
    });

    it('a read-only object, or object info not there yet, allows nothing and claims nothing', async () => {
        const readOnly = await renderPanel({ objectInfo: { ...mockGetObjectInfo, updateable: false } });
        const loading = await renderPanel({ objectInfo: null });

        expect(child(readOnly, 'c-partner-center-sharing-form')).toMatchObject({
            canEditSync: false,
            readOnly: true
        });
        expect(child(loading, 'c-partner-center-sharing-form')).toMatchObject({
            canEditSync: false,
            readOnly: false
        });
        expect(getObjectInfo.getLastConfig()).toEqual({ objectApiName: { objectApiName: 'Opportunity' } });
    });
});

import { EVENT_FIELDS, EVENTS_NEWEST_FIRST, newestConflictFields, timelineEntries } from 'c/pcsyncEvents';
import mockGetRelatedListRecords from '../../partnerCenterTimeline/__tests__/data/getRelatedListRecords.json';

const clone = (value) => JSON.parse(JSON.stringify(value));

function withAction(record, action, occurredAt, changes) {
    const copy = clone(record);
    copy.id = `${copy.id}-${action}-${occurredAt}`;
    copy.fields.Action__c.value = action;
    copy.fields.Occurred_At__c.value = occurredAt;
    copy.fields.Changed_Fields__c.value = JSON.stringify(changes);
    return copy;
}

describe('c-pcsync-events', () => {
    it('asks the related list for every field the timeline shows, newest first', () => {
        expect(EVENT_FIELDS).toEqual([
            'Partner_Center_Sync_Event__c.Direction__c',
            'Partner_Center_Sync_Event__c.Action__c',
            'Partner_Center_Sync_Event__c.Changed_Fields__c',
            'Partner_Center_Sync_Event__c.Message__c',
            'Partner_Center_Sync_Event__c.Occurred_At__c',
            'Partner_Center_Sync_Event__c.HTTP_Status__c',
            'Partner_Center_Sync_Event__c.Correlation_Id__c'
        ]);
        expect(EVENTS_NEWEST_FIRST).toEqual(['-Partner_Center_Sync_Event__c.Occurred_At__c']);
    });

    it('orders entries newest first whatever order the records come in', () => {
        const entries = timelineEntries([...mockGetRelatedListRecords.records].reverse());

        expect(entries.map((e) => e.occurredAt)).toEqual([
            '2026-11-24T09:12:00.000Z',
            '2026-11-22T10:30:00.000Z',
            '2026-11-20T16:03:00.000Z'
        ]);
        expect(timelineEntries(undefined)).toEqual([]);
    });

    it('a Changed_Fields__c that is JSON but not a list has no changes', () => {
        const [entry] = timelineEntries([withAction(mockGetRelatedListRecords.records[0], 'Updated', '2026', {})]);

        expect(entry.changes).toEqual([]);
        expect(entry.hasChanges).toBe(false);
    });

    it('the conflict fields are those of the newest Conflict event', () => {
        const [record] = mockGetRelatedListRecords.records;
        const older = withAction(record, 'Conflict', '2026-11-20T00:00:00.000Z', [{ field: 'Name' }]);
        const newer = withAction(record, 'Conflict', '2026-11-25T00:00:00.000Z', [
            { field: 'Amount', salesforce: 1, partnerCenter: 2 },
            { field: 'CloseDate', salesforce: 'a', partnerCenter: 'b' }
        ]);

        expect(newestConflictFields([older, record, newer])).toEqual(['Amount', 'CloseDate']);
        expect(newestConflictFields(mockGetRelatedListRecords.records)).toEqual([]);
        expect(newestConflictFields(undefined)).toEqual([]);
    });
});

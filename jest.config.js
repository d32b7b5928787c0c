import sfdxLwcJest from '@salesforce/sfdx-lwc-jest/config.js';

const { jestConfig } = sfdxLwcJest;

export default {
  ...jestConfig,
  roots: ['<rootDir>/force-app'],
  modulePathIgnorePatterns: ['<rootDir>/.localdevserver', '<rootDir>/lib'],
  // Keep the LWC preset's own setup (aria reflection, LWC matchers) and add sa11y's toBeAccessible().
  setupFilesAfterEnv: [...(jestConfig.setupFilesAfterEnv ?? []), '<rootDir>/jest-sa11y-setup.js'],
  // sfdx-lwc-jest's own lightning/* stubs cover every adapter the panel uses (getRecord, getObjectInfo,
  // getPicklistValues, getRelatedListRecords, updateRecord, notifyRecordUpdateAvailable, ShowToastEvent,
  // RefreshEvent). Put a mock under force-app/test/jest-mocks/ and map it here only when a stub is missing.
  moduleNameMapper: { ...(jestConfig.moduleNameMapper ?? {}) },
  testTimeout: 10000,
};

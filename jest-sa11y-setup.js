// Registers @sa11y/jest's `toBeAccessible()` matcher for every LWC test.
// ESM syntax is fine: the file matches the LWC transform pattern and is compiled to CommonJS before Jest runs it.
import { setup } from '@sa11y/jest';

setup();

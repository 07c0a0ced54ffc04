// Names for the generated types the code uses (npm run gen writes generated/openapi.ts from schemas/).
import type { components } from './generated/openapi.js';

export type Schemas = components['schemas'];
/** An operator token's role: analyst < publisher < admin. */
export type Role = Schemas['Role'];

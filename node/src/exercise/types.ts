// Names for the generated types of the exercise files (schemas/exercise-*.schema.json, npm run gen).
import type { Schemas } from '../schema/types.js';

export type Scenario = Schemas['ExerciseScenario'];
export type Control = Schemas['ExerciseControl'];
export type Inject = Scenario['injects'][number];
export type Expectation = NonNullable<Scenario['expectations']>[number];
export type InjectOf<A extends Inject['action']> = Extract<Inject, { action: A }>;

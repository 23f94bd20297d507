// placeholder created by the lead so the server compiles; the strategies helper replaces this file.
import type { Strategy } from '../strategy.ts';

export const batchStrategies: Record<string, Strategy> = {};

/** Column helpers shared by the schema files. */
import { timestamp } from 'drizzle-orm/pg-core';

/** Every timestamp is timestamptz, read as a Date. */
export const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

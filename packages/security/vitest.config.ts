import { defineNeedleConfig } from '@needle/vitest-config';

export default defineNeedleConfig();

import { defineConfig, mergeConfig } from 'vitest/config';
import { poolTestConfig } from '../../vitest.shared.js';

export default mergeConfig(poolTestConfig, defineConfig({}));

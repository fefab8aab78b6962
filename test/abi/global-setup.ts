// Global setup of the abi project: the kernel (as for the boot suites), then every
// test/abi/*.c three ways (programs.ts).
import kernelSetup from '../boot/global-setup.js';
import { buildAll } from './programs.js';

export default async function setup(): Promise<void> {
  kernelSetup();
  await buildAll();
}

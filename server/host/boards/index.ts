export { orinDevkit, ORIN_CONTROLLERS, ORIN_SLOTS, DESKTOP_SLOT_POWER_W } from './orin-devkit';
export { genericProfile, rootPorts, domainHex } from './generic';
export { boardView, detectBoard, isOrin, mapBoard } from './map';
export type * from './types';

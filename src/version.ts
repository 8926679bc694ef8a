/** DigitNet's version, recorded in model files. A test checks it matches package.json. */
export const VERSION = '0.1.0';

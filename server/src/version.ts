declare const LKM_VERSION: string | undefined;

/** Set by the bundler from package.json; "dev" when running from source. */
export const VERSION: string = typeof LKM_VERSION === 'string' ? LKM_VERSION : 'dev';

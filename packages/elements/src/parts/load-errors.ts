/** The error screens, for the npm package: the app's bundler splits them off (or inlines them). */
export const loadErrors = (): Promise<typeof import("../errors.js")> => import("../errors.js");

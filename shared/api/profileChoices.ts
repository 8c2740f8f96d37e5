/**
 * The fixed choices of a profile's settings, without zod: the CLI's option
 * definitions show them, and --help must not load the schemas.
 */
export const ENVIRONMENTS = ['dev', 'staging', 'prod', 'custom'] as const
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const

// The bottom floor of the gateway (docs/architecture.md): domain types, request schemas, typed results.
export * from './domain.ts';
export * from './inputs.ts';
export * from './result.ts';

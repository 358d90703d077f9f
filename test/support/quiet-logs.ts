// The Lambda handlers' structured logs are asserted through capturing logs, not read from stdout.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

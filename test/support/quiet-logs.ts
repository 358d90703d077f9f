// The Lambda handlers' structured logs are asserted through capturing logs, not read from stdout.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
// The Lambda runs Node 22; the tests may run on an older Node, which the SDK would warn about each run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * Imported first by the CLI's entry (index.ts), before any AWS SDK module: the SDK prints a
 * nine-line NodeVersionSupportWarning on every run under Node 20 (its releases from January 2027
 * need Node 22). That notice is for whoever pins the SDK (README, "Node versions"), not for
 * people running a command. The SDK's own switch turns it off; a value the user set is kept.
 */
export const SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

process.env[SDK_NODE_WARNING_SWITCH] ??= 'true';

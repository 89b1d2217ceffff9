/**
 * Runs in every jest worker before each test file (jest `setupFiles`, set in .projenrc.ts).
 *
 * The tests run the AWS SDK in-process on the developer's Node.js, not on the Lambda runtime's: the SDK
 * warns once per module registry (so once per test file) when that Node.js major is older than it will
 * require (`NodeVersionSupportWarning`). `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true` is the
 * SDK's documented switch for it (https://github.com/aws/aws-sdk-js-v3/issues/7983). Set for the tests
 * only: neither the library nor the handler sets it, and CI runs the handler tests on Node.js 24 as well.
 * Child processes that a test starts with `process.env` inherit it.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

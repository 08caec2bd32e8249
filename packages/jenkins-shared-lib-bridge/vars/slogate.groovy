// slogate quality gate as a pipeline step. All logic lives in the bundled Node program
// (resources/io/slogate/slogate.cjs), which also decides the outcome (failOn); this file hands the
// arguments over and maps the exit status onto the build: 0 -> SUCCESS, 3 (warning) -> UNSTABLE,
// anything else -> error.

def call(Map args = [:]) {
    if (sh(script: 'node --version', returnStatus: true) != 0) {
        error('slogate needs Node.js 20 or newer on the agent. Provide it with the NodeJS plugin ' +
              '(tools { nodejs "node-24" } or nodejs(nodeJSInstallationName: ...) { ... }), a tool installer, ' +
              'or run the step in a container image that has node (for example node:24).')
    }
    // Two gates in one build (parallel stages too) keep apart: each has its own bundle copy, report
    // folder and report name, keyed by gateName or the stage.
    String gateKey = String.valueOf(args.gateName ?: env.STAGE_NAME ?: '')
    String fileKey = gateKey.replaceAll(/[^A-Za-z0-9._-]+/, '-')
    String workdir = "${env.WORKSPACE ?: pwd()}@tmp/slogate"
    String bundle = fileKey ? "${workdir}/slogate-${fileKey}.cjs" : "${workdir}/slogate.cjs"
    sh(script: "mkdir -p ${quote(workdir)}")
    // Base64 both ways keeps the bundle byte-identical to the library's copy.
    writeFile(file: bundle, text: libraryResource(resource: 'io/slogate/slogate.cjs', encoding: 'Base64'), encoding: 'Base64')

    if (args.mode == 'event') {
        return sendEvent(args, bundle)
    }
    if (args.mode == 'monitoring-plan' || args.mode == 'monitoring-apply') {
        return monitoring(args, bundle)
    }
    if (args.mode == 'synthetic') {
        return synthetic(args, bundle, fileKey)
    }
    if (args.mode != null && args.mode != 'evaluate' && args.mode != 'run') {
        error("slogate: mode '${args.mode}' is not one of evaluate, run, event, monitoring-plan, monitoring-apply, synthetic")
    }
    boolean loadTest = args.mode == 'run'

    // Reports go into the workspace: junit and publishHTML take paths relative to it.
    String reportDir = String.valueOf(args.reportDir ?: (fileKey ? "slogate-reports/${fileKey}" : 'slogate-reports'))
    Map reports = [
        json: "${reportDir}/result.json", junit: "${reportDir}/junit.xml", markdown: "${reportDir}/report.md",
        html: "${reportDir}/report.html",
    ]
    // The workspace outlives the build: a result left by an earlier build must never be read as this one's.
    sh(script: 'rm -f ' + reports.values().collect { quote(it) }.join(' '))
    // The exit status the CLI gives a gate left in the warning state: the build becomes UNSTABLE.
    int warningExitCode = 3
    List<String> argv = [loadTest ? 'run' : 'evaluate']
    // Each argument and the CLI flag it becomes, as packages/core/src/options.ts declares them
    // (npm run manifests:check holds the two together). The CLI refuses a flag its command lacks.
    Map options = [
        config: args.config, slo: args.slo, sli: args.sli, 'sli-values': args.sliValues, dashboard: args.dashboard, provider: args.provider,
        baseline: args.baseline, settle: args.settle, history: args.history, start: args.start, end: args.end,
        timeframe: args.timeframe, 'missing-sli': args.missingSli, 'fail-on': args.failOn,
        'compare-branch': args.compareBranch,
        target: args.target, 'baseline-target': args.baselineTarget, duration: args.duration, vus: args.vus, rate: args.rate, requests: args.requests,
        timeout: args.timeout, 'test-name': args.testName,
    ]
    options.each { name, value -> if (value != null) { argv << "--${name}".toString(); argv << String.valueOf(value) } }
    (args.labels ?: [:]).each { key, value -> argv << '--label'; argv << "${key}=${value}".toString() }
    if (args.history) { argv << '--store' }
    if (args.sendEvent) { argv << '--send-event' }
    if (args.eventsRequired) { argv << '--events-required' }
    if (args.failFast) { argv << '--fail-fast' }
    if (args.storePullRequests) { argv << '--store-pull-requests' }
    argv += [
        '--warning-exit-code', String.valueOf(warningExitCode), '--report-json', reports.json, '--report-junit', reports.junit,
        '--report-md', reports.markdown, '--report-html', reports.html,
    ]
    // A load tool's command goes after --, each argument quoted: no shell sees it.
    if (loadTest && args.command) { argv << '--'; argv.addAll((args.command as List).collect { String.valueOf(it) }) }
    // The CLI decides the outcome (with failOn); its exit status is all this step maps.
    int status = runBundle(args, bundle, argv)
    if (status == 2) {
        error("slogate: the configuration or input is invalid (exit status 2); the errors are in the log above")
    }
    if (status == 130) {
        error('slogate: the load test was cancelled; the test-finish event was sent, there is no verdict')
    }
    if (!fileExists(reports.json)) {
        error("slogate: the gate stopped without a result (exit status ${status}); see the log above")
    }
    Map result = readJSON(file: reports.json)
    if (args.publishReports != false) {
        // The step maps the verdict itself: a failed non-key objective in a passing gate must not
        // turn the build UNSTABLE, as the junit step would on any failure.
        junit(testResults: reports.junit, allowEmptyResults: true, skipMarkingBuildUnstable: true)
        // The report is one file without scripts or external assets: it renders under Jenkins' default CSP.
        publishHTML(target: [
            reportName: gateKey ? "slogate: ${gateKey}".toString() : 'slogate', reportDir: reportDir, reportFiles: 'report.html',
            keepAll: true, alwaysLinkToLastBuild: true, allowMissing: false,
        ])
    }
    Map answer = [
        result: result.result, score: result.score, evaluationId: result.id,
        reportPaths: reports,
    ]
    if (loadTest) { answer.window = result.window }
    String summary = "slogate: ${result.result} (score ${result.score})${result.message ? ': ' + result.message : ''}"
    if (status == warningExitCode) {
        unstable(summary)
    } else if (status != 0) {
        // A failed verdict speaks for itself; any other failure (failOn: 'warning', a required
        // event not delivered) has its reason in the log.
        error(result.result == 'fail' ? summary : "${summary}; the step fails (exit status ${status}), the reason is in the log above")
    }
    return answer
}

/** mode: 'event' — one delivery event to Dynatrace (event: deployment, test-start, test-finish, configuration, info). */
private Map sendEvent(Map args, String bundle) {
    List<String> argv = ['event', String.valueOf(args.event ?: 'info')]
    Map options = [
        name: args.name, title: args.title, version: args.version, description: args.description,
        start: args.start, end: args.end, 'entity-selector': args.entitySelector, config: args.config,
    ]
    options.each { name, value -> if (value != null) { argv << "--${name}".toString(); argv << String.valueOf(value) } }
    (args.labels ?: [:]).each { key, value -> argv << '--label'; argv << "${key}=${value}".toString() }
    int status = runBundle(args, bundle, argv)
    if (status != 0) {
        error("slogate: the ${argv[1]} event was not delivered (exit status ${status}); the reason is in the log above")
    }
    return [result: 'sent', score: null, event: argv[1]]
}

/** mode: 'monitoring-plan' / 'monitoring-apply' — the gate's KQG dashboard and metric events; the log says what changed. */
private Map monitoring(Map args, String bundle) {
    List<String> argv = ['monitoring', args.mode == 'monitoring-apply' ? 'apply' : 'plan']
    Map options = [slo: args.slo, sli: args.sli, config: args.config]
    options.each { name, value -> if (value != null) { argv << "--${name}".toString(); argv << String.valueOf(value) } }
    (args.labels ?: [:]).each { key, value -> argv << '--label'; argv << "${key}=${value}".toString() }
    if (args.monitoringPrune) { argv << '--prune' }
    int status = runBundle(args, bundle, argv)
    if (status == 2) {
        error('slogate: the configuration or input is invalid (exit status 2); the errors are in the log above')
    }
    if (status != 0) {
        error("slogate: Dynatrace refused a monitoring change (exit status ${status}); the object and the reason are in the log above")
    }
    String done = args.mode == 'monitoring-apply' ? 'applied' : 'planned'
    return [result: done, score: null]
}

/**
 * mode: 'synthetic' — the deployment at syntheticUrl checked by a Dynatrace synthetic monitor;
 * returns its SLIs, and the path of a values file a later gate step takes as sliValues.
 */
private Map synthetic(Map args, String bundle, String fileKey) {
    if (!args.syntheticUrl) {
        error("slogate: mode 'synthetic' needs syntheticUrl, the deployed URL to check")
    }
    String reportDir = String.valueOf(args.reportDir ?: (fileKey ? "slogate-reports/${fileKey}" : 'slogate-reports'))
    String values = "${reportDir}/synthetic.json"
    List<String> argv = ['synthetic', '--url', String.valueOf(args.syntheticUrl), '--format', 'json']
    if (args.config != null) { argv << '--config'; argv << String.valueOf(args.config) }
    (args.labels ?: [:]).each { key, value -> argv << '--label'; argv << "${key}=${value}".toString() }
    sh(script: "mkdir -p ${quote(reportDir)} && rm -f ${quote(values)}")
    int status = runBundle(args, bundle, argv, values)
    if (status != 0 || !fileExists(values)) {
        error("slogate: the synthetic check gave no result (exit status ${status}); the reason is in the log above")
    }
    return [result: 'measured', score: null, slis: readJSON(file: values), sliValues: values]
}

/**
 * Runs the bundle with the arguments, each quoted, its standard output into stdoutFile if given,
 * and the Dynatrace credentials bound as environment variables, never in the command text:
 * credentialsId (Secret text) as DT_API_TOKEN, platformCredentialsId (Secret text) as
 * DT_PLATFORM_TOKEN, oauthCredentialsId (Username with password: the OAuth client's id and
 * secret) as DT_CLIENT_ID and DT_CLIENT_SECRET, with accountUrn as DT_ACCOUNT_URN.
 */
private int runBundle(Map args, String bundle, List<String> argv, String stdoutFile = null) {
    String command = "node ${quote(bundle)} " + argv.collect { quote(it) }.join(' ') + (stdoutFile ? ' > ' + quote(stdoutFile) : '')
    // Node 22.1 and newer keep the bundle's compiled code beside it, for the next build on this agent
    // (the workspace's @tmp folder stays); older Node ignores the variable.
    List<String> environment = ["NODE_COMPILE_CACHE=${bundle.substring(0, bundle.lastIndexOf('/'))}/compile-cache".toString()]
    if (args.accountUrn) { environment << "DT_ACCOUNT_URN=${args.accountUrn}".toString() }
    List bindings = []
    if (args.credentialsId) { bindings << string(credentialsId: args.credentialsId, variable: 'DT_API_TOKEN') }
    if (args.platformCredentialsId) { bindings << string(credentialsId: args.platformCredentialsId, variable: 'DT_PLATFORM_TOKEN') }
    if (args.oauthCredentialsId) {
        bindings << usernamePassword(credentialsId: args.oauthCredentialsId, usernameVariable: 'DT_CLIENT_ID', passwordVariable: 'DT_CLIENT_SECRET')
    }
    int status = 0
    withEnv(environment) {
        if (bindings) {
            withCredentials(bindings) { status = sh(script: command, returnStatus: true) }
        } else {
            status = sh(script: command, returnStatus: true)
        }
    }
    return status
}

/** One argument for sh: single-quoted, so the shell expands nothing inside it. */
private static String quote(Object value) {
    return "'" + String.valueOf(value).replace("'", "'\"'\"'") + "'"
}

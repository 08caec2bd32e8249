// slogate quality gate as a pipeline step. All logic lives in the bundled Node program
// (resources/io/slogate/slogate.cjs); this file only hands arguments over and maps the verdict
// onto the build: pass -> SUCCESS, warning -> UNSTABLE, fail -> error (each mappable with failOn).

def call(Map args = [:]) {
    if (sh(script: 'node --version', returnStatus: true) != 0) {
        error('slogate needs Node.js 20 or newer on the agent. Provide it with the NodeJS plugin ' +
              '(tools { nodejs "node-24" } or nodejs(nodeJSInstallationName: ...) { ... }), a tool installer, ' +
              'or run the step in a container image that has node (for example node:24).')
    }
    String workdir = "${env.WORKSPACE ?: pwd()}@tmp/slogate"
    String bundle = "${workdir}/slogate.cjs"
    sh(script: "mkdir -p ${quote(workdir)}")
    // Base64 both ways keeps the bundle byte-identical to the library's copy.
    writeFile(file: bundle, text: libraryResource(resource: 'io/slogate/slogate.cjs', encoding: 'Base64'), encoding: 'Base64')

    if (args.mode == 'event') {
        return sendEvent(args, bundle)
    }
    if (args.mode != null && args.mode != 'evaluate') {
        error("slogate: mode '${args.mode}' is not available in this version; use mode: 'evaluate' (run the load test in an earlier stage) or mode: 'event'")
    }

    Map reports = [json: "${workdir}/result.json", junit: "${workdir}/junit.xml", markdown: "${workdir}/report.md"]
    List<String> argv = ['evaluate']
    Map options = [
        config: args.config, slo: args.slo, sli: args.sli, 'sli-values': args.sliValues, provider: args.provider,
        start: args.start, end: args.end, timeframe: args.timeframe, baseline: args.baseline, settle: args.settle,
        history: args.history,
    ]
    options.each { name, value -> if (value != null) { argv << "--${name}".toString(); argv << String.valueOf(value) } }
    (args.labels ?: [:]).each { key, value -> argv << '--label'; argv << "${key}=${value}".toString() }
    if (args.history) { argv << '--store' }
    argv += ['--warning-exit-code', '3', '--report-json', reports.json, '--report-junit', reports.junit, '--report-md', reports.markdown]
    String command = "node ${quote(bundle)} " + argv.collect { quote(it) }.join(' ')

    int status = runWithToken(args, command)
    if (status == 2) {
        error("slogate: the configuration or input is invalid (exit status 2); the errors are in the log above")
    }
    if (!fileExists(reports.json)) {
        error("slogate: the gate stopped without a result (exit status ${status}); see the log above")
    }
    Map result = readJSON(file: reports.json)
    if (args.publishReports != false) {
        junit(testResults: reports.junit, allowEmptyResults: true)
    }
    Map answer = [
        result: result.result, score: result.score, evaluationId: result.id,
        reportPaths: reports,
    ]
    String failOn = String.valueOf(args.failOn ?: 'fail')
    String summary = "slogate: ${result.result} (score ${result.score})"
    if (result.result == 'fail' && failOn != 'never') {
        error("${summary}: ${result.message}")
    } else if (result.result == 'warning') {
        if (failOn == 'warning') { error("${summary}: ${result.message}") } else { unstable("${summary}: ${result.message}") }
    } else if (result.result == 'fail') {
        unstable("${summary}: ${result.message}")
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
    String command = "node ${quote(bundle)} " + argv.collect { quote(it) }.join(' ')
    int status = runWithToken(args, command)
    if (status != 0) {
        error("slogate: the ${argv[1]} event was not delivered (exit status ${status}); the reason is in the log above")
    }
    return [result: 'sent', score: null, event: argv[1]]
}

/** Runs the command; with credentialsId the token reaches it as DT_API_TOKEN, never in the command text. */
private int runWithToken(Map args, String command) {
    if (!args.credentialsId) {
        return sh(script: command, returnStatus: true)
    }
    int status = 0
    withCredentials([string(credentialsId: args.credentialsId, variable: 'DT_API_TOKEN')]) {
        status = sh(script: command, returnStatus: true)
    }
    return status
}

/** One argument for sh: single-quoted, so the shell expands nothing inside it. */
private static String quote(Object value) {
    return "'" + String.valueOf(value).replace("'", "'\"'\"'") + "'"
}

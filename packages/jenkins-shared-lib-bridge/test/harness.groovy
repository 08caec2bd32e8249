// A small Jenkins: the pipeline steps vars/slogate.groovy uses, as closures in the script binding.
// `sh` really runs the command; the others read, write or record as Jenkins would.
// Usage: groovy test/harness.groovy <library dir> <scenario.json>   (prints one JSON line)
import groovy.json.JsonOutput
import groovy.json.JsonSlurper

class StepError extends RuntimeException { StepError(String message) { super(message) } }

def library = new File(args[0])
def scenario = new JsonSlurper().parse(new File(args[1]))
def calls = []
def build = [status: 'SUCCESS']
def env = new LinkedHashMap(scenario.env ?: [:])
def binding = new Binding()

binding.setVariable('env', env)
binding.setVariable('pwd', { -> env.WORKSPACE })
binding.setVariable('sh', { Map a ->
    def process = new ProcessBuilder('sh', '-c', a.script as String).redirectErrorStream(true)
    process.environment().putAll(env.collectEntries { k, v -> [(k as String): v as String] })
    process.directory(new File(env.WORKSPACE as String))
    def started = process.start()
    def output = started.inputStream.text
    int status = started.waitFor()
    calls << [step: 'sh', script: a.script as String, status: status, output: output]
    if (a.returnStatus) return status
    if (status != 0) throw new StepError("script returned exit code ${status}".toString())
    return a.returnStdout ? output : null
})
binding.setVariable('libraryResource', { Map a ->
    def file = new File(library, "resources/${a.resource}")
    calls << [step: 'libraryResource', resource: a.resource as String]
    return a.encoding == 'Base64' ? file.bytes.encodeBase64().toString() : file.getText('UTF-8')
})
binding.setVariable('writeFile', { Map a ->
    def file = new File(a.file as String)
    file.parentFile.mkdirs()
    if (a.encoding == 'Base64') file.bytes = (a.text as String).decodeBase64() else file.setText(a.text as String, 'UTF-8')
    calls << [step: 'writeFile', file: a.file as String]
})
// Like Jenkins, relative paths are the workspace's.
def inWorkspace = { String path -> path.startsWith('/') ? new File(path) : new File(env.WORKSPACE as String, path) }
binding.setVariable('fileExists', { String path -> inWorkspace(path).exists() })
binding.setVariable('readJSON', { Map a -> new JsonSlurper().parse(inWorkspace(a.file as String)) })
// The junit step marks the build UNSTABLE when the XML holds a failure (junit-plugin
// JUnitResultsStepExecution), unless skipMarkingBuildUnstable; a result only ever worsens.
binding.setVariable('junit', { Map a ->
    def file = inWorkspace(a.testResults as String)
    int failures = file.exists() ? (new XmlSlurper().parse(file).'**'.findAll { it.name() == 'failure' }.size()) : 0
    calls << [step: 'junit', testResults: a.testResults as String, skipMarkingBuildUnstable: a.skipMarkingBuildUnstable == true, failures: failures]
    if (failures > 0 && a.skipMarkingBuildUnstable != true && build.status == 'SUCCESS') build.status = 'UNSTABLE'
})
binding.setVariable('publishHTML', { Map a -> calls << [step: 'publishHTML', target: a.target] })
binding.setVariable('unstable', { String message -> calls << [step: 'unstable', message: message as String]; build.status = 'UNSTABLE' })
binding.setVariable('error', { String message -> calls << [step: 'error', message: message as String]; throw new StepError(message as String) })
binding.setVariable('string', { Map a -> [credentialsId: a.credentialsId as String, variables: [(a.variable as String): 'secret']] })
binding.setVariable('usernamePassword', { Map a ->
    [credentialsId: a.credentialsId as String, variables: [(a.usernameVariable as String): 'username', (a.passwordVariable as String): 'password']]
})
// Binds each credential's parts to its variables for the body, as the Credentials Binding plugin does.
binding.setVariable('withCredentials', { List bindings, Closure body ->
    def saved = [:]
    bindings.each { b ->
        def credential = scenario.credentials[b.credentialsId]
        b.variables.each { variable, part ->
            saved[variable] = env[variable]
            env[variable] = credential instanceof Map ? credential[part] : credential
            calls << [step: 'withCredentials', credentialsId: b.credentialsId, variable: variable]
        }
    }
    try { return body() } finally { saved.each { k, v -> if (v == null) env.remove(k) else env[k] = v } }
})
binding.setVariable('withEnv', { List entries, Closure body ->
    def saved = [:]
    entries.each { entry ->
        def (name, value) = (entry as String).split('=', 2)
        saved[name] = env[name]
        env[name] = value
    }
    try { return body() } finally { saved.each { k, v -> if (v == null) env.remove(k) else env[k] = v } }
})

def step = new GroovyShell(this.class.classLoader, binding).parse(new File(library, 'vars/slogate.groovy'))
def outcome = [calls: calls]
try {
    outcome.returned = step.call(scenario.args ?: [:])
} catch (StepError e) {
    build.status = 'FAILURE'
    outcome.error = e.message
}
outcome.status = build.status
println JsonOutput.toJson(outcome)

package dev.lunar.telemetry.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless browser: Debian's Chromium driven by Selenium through Debian's
 * {@code /usr/bin/chromedriver} (Selenium Manager never downloads anything: the driver path is given and
 * {@code SE_OFFLINE=true}). A seeded dataset must show up as the numbers computed by hand in
 * {@link Batches#seededDataset}; the page is written to {@code target/dashboard.png} for people to look at.
 * Without Chromium the test fails, telling to run {@code .ci/services}.
 */
class DashboardBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Instant START = Instant.parse("2026-01-05T10:00:00Z");
    static final String TOKEN = "acme-dashboard-token-0123456789";
    static final String RANGE = "from=2026-01-05T10:00:00Z&to=2026-01-05T11:00:00Z";
    /** A day later: one window only, 10:30 – 10:31, in a one-hour range. */
    static final Instant ONE_WINDOW = Instant.parse("2026-01-06T10:30:00Z");
    static final Instant ONE_WINDOW_FROM = Instant.parse("2026-01-06T10:00:00Z");
    static final Instant ONE_WINDOW_TO = Instant.parse("2026-01-06T11:00:00Z");
    /** Two days later: nothing at all. */
    static final String EMPTY_RANGE = "from=2026-01-07T10:00:00Z&to=2026-01-07T11:00:00Z";

    /** Selenium finds no CDP bindings for this Chromium; the test does not use CDP, so that warning is noise. */
    static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    @TempDir
    static Path dataDir;
    @TempDir
    static Path profile;
    static ControlPlaneServer cp;
    static WebDriver browser;

    @BeforeAll
    static void startControlPlaneAndBrowser() {
        CDP_LOG.setLevel(java.util.logging.Level.SEVERE);
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail(CHROMIUM + " or " + CHROMEDRIVER + " is missing: run .ci/services (as root) to install the Debian"
                    + " packages chromium and chromium-driver");
        }
        cp = ControlPlaneServer.start(ControlPlaneSettings.builder().dataDir(dataDir).port(0)
                .tenantToken("acme", TOKEN).build(), new SimpleMeterRegistry());
        TestHttp.Answer seeded = TestHttp.put(cp.url(), TOKEN, Batches.seededDataset("acme", START));
        assertThat(seeded.status()).as(seeded.body()).isEqualTo(200);
        TestHttp.Answer single = TestHttp.put(cp.url(), TOKEN, Batches.batch("acme", Batches.window("acme",
                ONE_WINDOW, List.of(Batches.ep("api.stripe.com", "GET", "/v1/customers/{id}", 40, 0, 1, 1, 42 * 100,
                        300, 200.0)))));
        assertThat(single.status()).as(single.body()).isEqualTo(200);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=1400,1500", "--lang=en-US");
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (cp != null) {
            cp.close();
        }
    }

    @BeforeEach
    void freshTab() {
        browser.get(cp.url().resolve("/health").toString());
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("sessionStorage.clear();");
    }

    static void awaitState(String state) {
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(d ->
                state.equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
    }

    static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    static List<List<String>> rows(String tableId) {
        return browser.findElements(By.cssSelector("#" + tableId + " tbody tr")).stream()
                .map(tr -> tr.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
                .collect(Collectors.toList());
    }

    @Test
    void showsTheSeededNumbersAndWritesAScreenshot() throws IOException {
        browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER); // drop earlier tests' entries
        browser.get(cp.dashboardUrl("acme") + "#token=" + TOKEN + "&" + RANGE);
        awaitState("ready");

        assertThat(text("total-calls")).isEqualTo("1,300");
        assertThat(text("total-errors")).isEqualTo("43");
        assertThat(text("error-rate")).isEqualTo("3.31 %");
        assertThat(text("provider-count")).isEqualTo("2");
        assertThat(text("latency-avg")).isEqualTo("142 ms");
        assertThat(rows("providers")).containsExactly(
                List.of("api.stripe.com", "2", "940", "40", "4.26 %", "166 ms", "1,200 ms"),
                List.of("api.github.com", "1", "360", "3", "0.83 %", "80.0 ms", "250 ms"));
        assertThat(rows("endpoints")).extracting(r -> r.subList(0, 9)).containsExactly(
                List.of("api.stripe.com", "GET /v1/customers/{id}", "700", "32", "4.57 %", "668", "0", "20", "12"),
                List.of("api.github.com", "GET /repos/{owner}/{repo}", "360", "3", "0.83 %", "339", "18", "3", "0"),
                List.of("api.stripe.com", "POST /v1/charges", "240", "8", "3.33 %", "232", "0", "0", "8"));
        assertThat(browser.findElements(By.cssSelector("#chart canvas"))).isNotEmpty();
        assertThat(browser.findElement(By.cssSelector("#chart")).getText()).contains("Calls").contains("Errors");
        assertThat(browser.getCurrentUrl()).as("the token is removed from the address bar").doesNotContain(TOKEN);
        assertThat(browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll())
                .as("no script errors and no Content-Security-Policy violations")
                .filteredOn(entry -> entry.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
                .isEmpty();

        Path screenshot = Path.of("target", "dashboard.png");
        Files.createDirectories(screenshot.getParent());
        File png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), screenshot, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    @Test
    void aWrongTokenShowsTheSignInFormWhichThenWorks() {
        browser.get(cp.dashboardUrl("acme") + "#token=wrong-token-for-acme-000&" + RANGE);
        awaitState("login");

        assertThat(text("message")).contains("The token was not accepted for tenant acme (401)");
        assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();

        browser.findElement(By.id("login-token")).sendKeys(TOKEN);
        browser.findElement(By.id("login-submit")).click();
        awaitState("ready");

        assertThat(text("total-calls")).isEqualTo("1,300");
    }

    /** uPlot's x scale and data (seconds), read from the instance the page exposes as {@code window.lunarChart}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> chartState() {
        return (Map<String, Object>) ((JavascriptExecutor) browser).executeScript(
                "var u = window.lunarChart; if (!u) { return null; }"
                        + " return {xMin: u.scales.x.min, xMax: u.scales.x.max, yMin: u.scales.y.min,"
                        + " yMax: u.scales.y.max, xs: u.data[0], calls: u.data[1], errors: u.data[2],"
                        + " plotWidth: u.bbox.width};");
    }

    static double number(Object o) {
        return ((Number) o).doubleValue();
    }

    static void screenshot(String name) throws IOException {
        Path screenshot = Path.of("target", name);
        Files.createDirectories(screenshot.getParent());
        File png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), screenshot, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * One window of data in a one-hour range: the x axis spans exactly the hour asked for (uPlot alone would span
     * the window's start plus 1000 days), the window lies inside it, and the y axis starts at 0 and holds its calls.
     */
    @Test
    void oneWindowIsDrawnInsideTheSelectedRange() throws IOException {
        browser.get(cp.dashboardUrl("acme") + "#token=" + TOKEN + "&from=" + ONE_WINDOW_FROM + "&to=" + ONE_WINDOW_TO);
        awaitState("ready");

        assertThat(text("total-calls")).isEqualTo("42");
        assertThat(browser.findElement(By.id("chart-empty")).isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector("#chart canvas"))).isNotEmpty();
        Map<String, Object> chart = chartState();
        assertThat(chart).as("window.lunarChart").isNotNull();
        assertThat(number(chart.get("xMin"))).isEqualTo(ONE_WINDOW_FROM.getEpochSecond());
        assertThat(number(chart.get("xMax"))).isEqualTo(ONE_WINDOW_TO.getEpochSecond());
        assertThat((List<?>) chart.get("xs")).singleElement()
                .satisfies(x -> assertThat(number(x)).isEqualTo(ONE_WINDOW.getEpochSecond())
                        .isBetween(number(chart.get("xMin")), number(chart.get("xMax"))));
        assertThat((List<?>) chart.get("calls")).singleElement().satisfies(c -> assertThat(number(c)).isEqualTo(42));
        assertThat(number(chart.get("yMin"))).isZero();
        assertThat(number(chart.get("yMax"))).isGreaterThanOrEqualTo(42).isLessThan(100);
        screenshot("dashboard-one-window.png");
    }

    /** A range without windows says so, instead of drawing an empty or absurd chart. */
    @Test
    void anEmptyRangeSaysNoDataAndDrawsNoChart() throws IOException {
        browser.get(cp.dashboardUrl("acme") + "#token=" + TOKEN + "&" + EMPTY_RANGE);
        awaitState("ready");

        assertThat(text("total-calls")).isEqualTo("0");
        WebElement empty = browser.findElement(By.id("chart-empty"));
        assertThat(empty.isDisplayed()).isTrue();
        assertThat(empty.getText()).startsWith("No data in this range");
        assertThat(browser.findElement(By.id("chart")).isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector("#chart canvas"))).isEmpty();
        assertThat(chartState()).isNull();
        screenshot("dashboard-empty.png");
    }
}

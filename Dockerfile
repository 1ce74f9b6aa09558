# Runtime image of the launcher; build the jar first: mvn -B -ntp -q package -DskipTests
FROM eclipse-temurin:17-jre
COPY modules/cli/target/lunar-telemetry.jar /opt/lunar-telemetry/lunar-telemetry.jar
ENTRYPOINT ["java", "-jar", "/opt/lunar-telemetry/lunar-telemetry.jar"]
CMD ["--help"]

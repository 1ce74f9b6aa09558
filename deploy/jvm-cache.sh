#!/usr/bin/env bash
# Makes the launcher's JVM start warmer: trains a class-data-sharing archive (JDK 17, AppCDS) or an ahead-of-time
# cache (JDK 25, JEP 483/514) for the processor and the Datadog forwarder, by running them on the fleet's traffic
# through `lunar-telemetry bench` on an embedded broker (nothing else needed), then prints how to use them.
#
#   deploy/jvm-cache.sh JAR OUT_DIR [JAVA]
#     JAR      modules/cli/target/lunar-telemetry.jar (the files are only valid for this jar at this path)
#     OUT_DIR  where <stage>.jsa (JDK 17) or <stage>.aot (JDK 25) are written; stage = processor, datadog
#     JAVA     the java to train and run with (default: java on PATH); 25 or later gets an AOT cache, older a CDS
#              archive
#
# Use the file with the same JDK and the same jar path, e.g.
#   java -XX:SharedArchiveFile=OUT_DIR/processor.jsa -jar JAR processor ...   (JDK 17)
#   java -XX:AOTCache=OUT_DIR/processor.aot -jar JAR processor ...            (JDK 25)
# A stale or mismatched file is refused by the JVM with a warning and the JVM starts without it (never wrong, only
# slower), so rebuild it with every jar. README, "Performance", says what it measurably buys.
set -euo pipefail
jar=$(realpath "${1:?usage: jvm-cache.sh JAR OUT_DIR [JAVA]}")
out=$(realpath -m "${2:?usage: jvm-cache.sh JAR OUT_DIR [JAVA]}")
java=$(command -v "${3:-java}")
mkdir -p "$out"
feature=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
stages="processor datadog"
# The bench's stage JVMs run with this jar as their class path, so what they load is what `java -jar JAR` loads.
# Two steps each (train, then build), so the stage JVMs exit as fast as usual.
if [ "${feature%%.*}" -ge 25 ]; then
  "$java" -jar "$jar" bench --input fleet --records 200000 --stages datadog --stage-java "$java" \
    --stage-jvm-option=-XX:AOTMode=record --stage-jvm-option="-XX:AOTConfiguration=$out/{stage}.aotconf" >/dev/null
  for s in $stages; do
    "$java" -XX:AOTMode=create -XX:AOTConfiguration="$out/$s.aotconf" -XX:AOTCache="$out/$s.aot" -cp "$jar"
  done
  use="-XX:AOTCache=$out/<stage>.aot"
else
  "$java" -jar "$jar" bench --input fleet --records 200000 --stages datadog --stage-java "$java" \
    --stage-jvm-option="-XX:DumpLoadedClassList=$out/{stage}.classlist" >/dev/null
  for s in $stages; do
    "$java" -Xshare:dump -XX:SharedClassListFile="$out/$s.classlist" -XX:SharedArchiveFile="$out/$s.jsa" -cp "$jar"
  done
  use="-XX:SharedArchiveFile=$out/<stage>.jsa"
fi
ls -l "$out"
echo "use: $java $use -jar $jar <command>  (same JDK, same jar path)"

# Turns a text file into a C string: awk -v name=NAME -f embed.awk FILE
BEGIN { printf "const char %s[] =\n", name }
{
	gsub(/\\/, "\\\\"); gsub(/"/, "\\\"")
	printf "\t\"%s\\n\"\n", $0
}
END { print ";" }
